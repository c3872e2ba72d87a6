# rhaz participation figure: cumulative number of parties per year, one line per treaty
# Written by rhaz 0.1.0.  Self-contained: the data are inline below.
# Edit labels or styles and re-run: gnuplot THIS_FILE.gp

set terminal pngcairo size 1400,720 noenhanced font 'Sans,10' fontscale 2.083 linewidth 2.083
set output 'docs/figures/participation.png'
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
set xtics format '%.0f'
set key at screen 0.5, screen 0.9267 center top horizontal reverse Left noautotitle maxcols 5 samplen 2.5 spacing 1.1 width 1
set tmargin 4.6
# title
set label 1000 'States parties to the core human rights treaties' at screen 0.5, screen 0.9633 center front
set xlabel 'Year'
set ylabel 'Number of parties'
set yrange [0:250]
set autoscale xfix
set xtics 10
set offsets 0, 0, 0, 0

# x y: 'CERD'
$s1 << EOD
1966 4
1967 16
1968 25
1969 35
1970 43
1971 56
1972 69
1973 72
1974 78
1975 84
1976 89
1977 94
1978 99
1979 103
1980 105
1981 108
1982 114
1983 119
1984 121
1985 121
1986 121
1987 121
1988 124
1989 124
1990 126
1991 128
1992 131
1993 136
1994 141
1995 145
1996 147
1997 149
1998 152
1999 154
2000 156
2001 161
2002 165
2003 169
2004 170
2005 170
2006 173
2007 173
2008 173
2009 173
2010 174
2011 175
2012 175
2013 176
2014 177
2015 177
2016 177
2017 179
2018 179
2019 182
2020 182
2021 182
2022 182
EOD
# x y: 'ICESCR'
$s2 << EOD
1966 0
1967 0
1968 1
1969 6
1970 9
1971 12
1972 17
1973 23
1974 28
1975 34
1976 39
1977 43
1978 55
1979 60
1980 63
1981 68
1982 72
1983 77
1984 80
1985 82
1986 85
1987 88
1988 89
1989 91
1990 95
1991 102
1992 116
1993 126
1994 130
1995 132
1996 134
1997 136
1998 138
1999 141
2000 142
2001 145
2002 146
2003 148
2004 151
2005 151
2006 155
2007 157
2008 160
2009 160
2010 160
2011 160
2012 160
2013 161
2014 162
2015 164
2016 164
2017 166
2018 169
2019 170
2020 171
2021 171
2022 171
EOD
# x y: 'ICCPR'
$s3 << EOD
1966 0
1967 0
1968 1
1969 6
1970 9
1971 12
1972 17
1973 23
1974 27
1975 32
1976 37
1977 41
1978 52
1979 58
1980 62
1981 66
1982 69
1983 74
1984 77
1985 78
1986 82
1987 84
1988 84
1989 86
1990 90
1991 98
1992 113
1993 124
1994 128
1995 131
1996 135
1997 139
1998 141
1999 143
2000 146
2001 147
2002 149
2003 151
2004 154
2005 154
2006 160
2007 160
2008 164
2009 165
2010 167
2011 167
2012 167
2013 167
2014 168
2015 168
2016 168
2017 169
2018 172
2019 173
2020 173
2021 173
2022 173
EOD
# x y: 'CEDAW'
$s4 << EOD
1980 10
1981 31
1982 42
1983 50
1984 61
1985 81
1986 88
1987 91
1988 92
1989 97
1990 101
1991 108
1992 118
1993 129
1994 137
1995 150
1996 153
1997 160
1998 162
1999 164
2000 165
2001 168
2002 170
2003 175
2004 179
2005 180
2006 185
2007 185
2008 185
2009 186
2010 186
2011 187
2012 187
2013 187
2014 188
2015 189
2016 189
2017 189
2018 189
2019 189
2020 189
2021 189
2022 189
EOD
# x y: 'CAT'
$s5 << EOD
1985 0
1986 14
1987 27
1988 37
1989 47
1990 54
1991 62
1992 69
1993 78
1994 85
1995 92
1996 100
1997 103
1998 110
1999 117
2000 122
2001 127
2002 132
2003 134
2004 139
2005 141
2006 144
2007 145
2008 146
2009 146
2010 147
2011 149
2012 153
2013 154
2014 156
2015 158
2016 160
2017 162
2018 165
2019 169
2020 171
2021 173
2022 173
EOD
# x y: 'CRC'
$s6 << EOD
1990 63
1991 105
1992 125
1993 153
1994 167
1995 184
1996 187
1997 190
1998 190
1999 190
2000 190
2001 191
2002 191
2003 192
2004 192
2005 192
2006 193
2007 193
2008 193
2009 193
2010 193
2011 193
2012 193
2013 193
2014 194
2015 196
2016 196
2017 196
2018 196
2019 196
2020 196
2021 196
2022 196
EOD
# x y: 'ICMW'
$s7 << EOD
1990 0
1991 0
1992 0
1993 2
1994 3
1995 6
1996 8
1997 9
1998 9
1999 12
2000 15
2001 17
2002 19
2003 24
2004 27
2005 34
2006 34
2007 37
2008 40
2009 42
2010 44
2011 45
2012 46
2013 47
2014 47
2015 48
2016 49
2017 51
2018 54
2019 55
2020 56
2021 56
2022 57
EOD

plot \
  $s1 using 1:2 with steps ls 1 notitle, \
  $s1 every 7 using 1:2 with points ls 1 notitle, \
  keyentry with linespoints ls 1 title 'CERD', \
  $s2 using 1:2 with steps ls 2 notitle, \
  $s2 every 7 using 1:2 with points ls 2 notitle, \
  keyentry with linespoints ls 2 title 'ICESCR', \
  $s3 using 1:2 with steps ls 3 notitle, \
  $s3 every 7 using 1:2 with points ls 3 notitle, \
  keyentry with linespoints ls 3 title 'ICCPR', \
  $s4 using 1:2 with steps ls 4 notitle, \
  $s4 every 5 using 1:2 with points ls 4 notitle, \
  keyentry with linespoints ls 4 title 'CEDAW', \
  $s5 using 1:2 with steps ls 5 notitle, \
  $s5 every 4 using 1:2 with points ls 5 notitle, \
  keyentry with linespoints ls 5 title 'CAT', \
  $s6 using 1:2 with steps ls 6 notitle, \
  $s6 every 4 using 1:2 with points ls 6 notitle, \
  keyentry with linespoints ls 6 title 'CRC', \
  $s7 using 1:2 with steps ls 7 notitle, \
  $s7 every 4 using 1:2 with points ls 7 notitle, \
  keyentry with linespoints ls 7 title 'ICMW'
