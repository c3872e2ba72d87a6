# rhaz coef figure: forest plot of coefficients or hazard/odds ratios, 95% intervals
# Written by rhaz 0.1.0.  Self-contained: the data are inline below.
# Edit labels or styles and re-run: gnuplot THIS_FILE.gp

set terminal pngcairo size 1400,720 noenhanced font 'Sans,10' fontscale 2.083 linewidth 2.083
set output 'docs/figures/coef.png'
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
set key at screen 0.5, screen 0.9267 center top horizontal reverse Left noautotitle maxcols 3 samplen 2.5 spacing 1.1 width 1
set tmargin 3.5
# title
set label 1000 'ICMW ratification: odds and hazard ratios, 95% intervals' at screen 0.5, screen 0.9633 center front
set xlabel 'Ratio (log scale)'
set ylabel ''
set logscale x
set format x '%g'
set xrange [0.04225816159823199:23363.601118162453]
set xtics (1, 100, 10000)
set yrange [0.4:6.6]
set border 1 back lw 1
set ytics scale 0 ('Democracy (Polity2)' 6, 'Autocracy (vs anocracy)' 5, 'Democracy regime (vs anocracy)' 4, 'Migrant stock (%% population)' 3, 'OECD member' 2, 'Regional density' 1)
set errorbars small
# reference line at 1 (no effect)
set arrow 1 from first 1, graph 0 to first 1, graph 1 nohead ls 100 back

# model 'logit': position exp(estimate) lower upper term
$m1 << EOD
6.233333333333333 1.0171688271571275 0.8916943150071425 1.1602994496291241 "democracy"
5.233333333333333 0.7495240688179684 0.15754221083490064 3.565941640403774 "factor(regime)autocracy"
4.233333333333333 1.2981636629958822 0.42069999040501976 4.005773554452589 "factor(regime)democracy"
3.2333333333333334 0.8296317448085789 0.7276572481226211 0.9458970329367763 "migrant_share"
2.2333333333333334 0.4330314216482308 0.08581267666304379 2.185180784780762 "oecd"
1.2333333333333334 125.78096309358905 2.7167430393644354 5823.462303027374 "region_density"
EOD
# model 'cloglog': position exp(estimate) lower upper term
$m2 << EOD
6 1.017138060066779 0.8932567607965084 1.158199835301436 "democracy"
5 0.7495199148504046 0.16026066182120993 3.5054148433761685 "factor(regime)autocracy"
4 1.2988790355340196 0.428405005648851 3.938064977542846 "factor(regime)democracy"
3 0.8305637240134948 0.7291543045970382 0.946076976159933 "migrant_share"
2 0.4354467169996571 0.08689411906020345 2.182125158716529 "oecd"
1 118.5873012906673 2.739405553449708 5133.576519801589 "region_density"
EOD
# model 'cox': position exp(estimate) lower upper term
$m3 << EOD
5.766666666666667 1.0143902467978863 0.8900868085950405 1.1560530533228375 "democracy"
4.766666666666667 0.7732628784191466 0.16481186469866688 3.6279880713339225 "factor(regime)autocracy"
3.7666666666666666 1.2939458023016661 0.43098964082587626 3.884770260569982 "factor(regime)democracy"
2.7666666666666666 0.8342646214509136 0.734009154516155 0.9482135942342907 "migrant_share"
1.7666666666666666 0.4695019031335352 0.09028373343822779 2.4415476481910354 "oecd"
0.7666666666666667 158.06110457909716 2.171456287857188 11505.32613549317 "region_density"
EOD

plot \
  $m1 using 2:1:3:4 with xerrorbars ls 1 dt 1 title 'logit', \
  $m2 using 2:1:3:4 with xerrorbars ls 2 dt 1 title 'cloglog', \
  $m3 using 2:1:3:4 with xerrorbars ls 3 dt 1 title 'cox'
