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
set xrange [0.04374042582254564:26216.67700647427]
set xtics (1, 100, 10000)
set yrange [0.4:6.6]
set border 1 back lw 1
set ytics scale 0 ('Democracy (Polity2)' 6, 'Autocracy (vs anocracy)' 5, 'Democracy regime (vs anocracy)' 4, 'Migrant stock (%% population)' 3, 'OECD member' 2, 'Regional density' 1)
set errorbars small
# reference line at 1 (no effect)
set arrow 1 from first 1, graph 0 to first 1, graph 1 nohead ls 100 back

# model 'logit': position exp(estimate) lower upper term
$m1 << EOD
6.233333333333333 1.014308005526494 0.8893962040867401 1.1567631223831893 "democracy"
5.233333333333333 0.7380590782297047 0.15584639645773474 3.495308299316446 "factor(regime)autocracy"
4.233333333333333 1.298587416842603 0.4168498524257144 4.0454117216761185 "factor(regime)democracy"
3.2333333333333334 0.8297320298586089 0.7269542715784876 0.9470406438061029 "migrant_share"
2.2333333333333334 0.44905498160893087 0.08920770409064814 2.260459212165026 "oecd"
1.2333333333333334 137.9930707545709 2.9819574740295725 6385.767651657385 "region_density"
EOD
# model 'cloglog': position exp(estimate) lower upper term
$m2 << EOD
6 1.0142966056527243 0.8909664848479356 1.1546984333694958 "democracy"
5 0.7380801006350832 0.15854659769502927 3.435975560960108 "factor(regime)autocracy"
4 1.2997420114671037 0.42465516630568106 3.9781202029613754 "factor(regime)democracy"
3 0.8306504938082908 0.7284281333250643 0.9472180044919416 "migrant_share"
2 0.451382394916135 0.09029726291164 2.256392495967463 "oecd"
1 130.0779605669215 3.0080562954722145 5624.9864241963505 "region_density"
EOD
# model 'cox': position exp(estimate) lower upper term
$m3 << EOD
5.766666666666667 1.011407114764743 0.8877304927175425 1.1523140865256072 "democracy"
4.766666666666667 0.760557077925534 0.16283863592047615 3.552271643107579 "factor(regime)autocracy"
3.7666666666666666 1.29484423240133 0.4273193818054144 3.9235795462852683 "factor(regime)democracy"
2.7666666666666666 0.8342564107855617 0.7332017843360935 0.94923904142843 "migrant_share"
1.7666666666666666 0.48748748804600744 0.09397538045580414 2.528790517780008 "oecd"
0.7666666666666667 174.4896995487444 2.3685431533424244 12854.591737391658 "region_density"
EOD

plot \
  $m1 using 2:1:3:4 with xerrorbars ls 1 dt 1 title 'logit', \
  $m2 using 2:1:3:4 with xerrorbars ls 2 dt 1 title 'cloglog', \
  $m3 using 2:1:3:4 with xerrorbars ls 3 dt 1 title 'cox'
