# rhaz predict figure: prediction across one covariate with its interval
# Written by rhaz 0.1.0.  Self-contained: the data are inline below.
# Edit labels or styles and re-run: gnuplot THIS_FILE.gp

set terminal pngcairo size 1400,720 noenhanced font 'Sans,10' fontscale 2.083 linewidth 2.083
set output 'scaling.png'
set encoding utf8
set datafile missing NaN

# line styles: colour, dash type and point type differ, so series stay
# distinct in grayscale print (theme: color)
set style line 1 lc rgb '#0072B2' dt 1 pt 7 lw 1.5 ps 0.7
set style line 2 lc rgb '#D55E00' dt 2 pt 5 lw 1.5 ps 0.7
set style line 3 lc rgb '#009E73' dt 3 pt 9 lw 1.5 ps 0.7
set style line 4 lc rgb '#CC79A7' dt 4 pt 13 lw 1.5 ps 0.7
set style line 5 lc rgb '#E69F00' dt 5 pt 6 lw 1.5 ps 0.7
set style line 6 lc rgb '#56B4E9' dt (12,4) pt 4 lw 1.5 ps 0.7
set style line 7 lc rgb '#000000' dt (2,4) pt 8 lw 1.5 ps 0.7
set style line 8 lc rgb '#7F7F7F' dt (12,4,2,4,2,4) pt 12 lw 1.5 ps 0.7
# reference lines; residual points
set style line 100 lc rgb '#808080' dt 2 lw 1
set style line 101 lc rgb '#606060' pt 6 ps 0.45 lw 0.8
set style fill transparent solid 0.18 noborder

set border 3 back lw 1
set tics nomirror out scale 0.6
set key at screen 0.5, screen 0.9267 center top horizontal reverse Left noautotitle maxcols 1 samplen 2.5 spacing 1.1 width 1
set tmargin 6.8
# title
set label 1000 'Cost by panel size (log-log)' at screen 0.5, screen 0.9633 center front
set xlabel 'Rows (millions)'
set ylabel 'CPU seconds, CSV to table'
set logscale xy
set yrange [0.1:200]
set autoscale xfix
set xtics 1
set offsets graph 0.06, graph 0.06, 0, 0
set errorbars small
set xtics (0.5, 1, 2, 4, 8)

# x y: 'rhaz logit + 69 year dummies'
$s1 << EOD
8.00016 7.11
4.00008 3.59
2.00004 1.64
1 0.83
0.5 0.4
EOD
# x y: 'rhaz Cox Efron + cluster SE'
$s2 << EOD
8.00016 5.42
4.00008 2.75
2.00004 1.36
1 0.67
0.5 0.28
EOD
# x y: 'R logit + 69 year dummies'
$s3 << EOD
2.00004 73.27
1 29.33
0.5 17.8
EOD
# x y: 'R Cox Efron + cluster SE'
$s4 << EOD
2.00004 22.79
1 12.1
0.5 7.14
EOD

plot \
  $s1 using 1:2 with linespoints ls 1 dt 1 title 'rhaz logit + 69 year dummies', \
  $s2 using 1:2 with linespoints ls 2 dt 1 title 'rhaz Cox Efron + cluster SE', \
  $s3 using 1:2 with linespoints ls 3 dt 1 title 'R logit + 69 year dummies', \
  $s4 using 1:2 with linespoints ls 4 dt 1 title 'R Cox Efron + cluster SE'
