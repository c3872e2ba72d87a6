#!/usr/bin/env python3
"""Draft data/country-names.csv: every name variant seen in every source
rhaz reads, matched to ISO3/COW through the Perl-syntax regexes of
country-codes.csv (Python's re understands their look-aheads), then
corrected by the OVERRIDES below.  Run from the repository root; the
output is committed and is what rhaz uses (this script is a developer
tool, not needed at run time)."""
import csv, glob, re, sys

cc = list(csv.DictReader(open('data/country-codes.csv', encoding='utf-8')))
cow = {}
for r in csv.DictReader(open('data/cow-system-membership-2016.csv')):
    cow.setdefault(r['ccode'], r['statenme'])
rx = [(re.compile(r['country.name.en.regex'], re.I), r) for r in cc]

# name -> (iso3c, cown, kind, note); kind: state | territory | organization | aggregate
OVERRIDES = {
    'Serbia': ('SRB', '345', 'state', 'COW 345 (Yugoslavia) continues as Serbia'),
    'Yugoslavia': ('SRB', '345', 'state', 'COW 345'),
    'Serbia and Montenegro': ('SRB', '345', 'state', 'COW 345'),
    'Serbia-Montenegro': ('SRB', '345', 'state', 'COW 345'),
    'Kosovo': ('XKX', '347', 'state', 'user-assigned ISO code XKX'),
    'German Federal Republic': ('DEU', '260', 'state', 'West Germany 1955-1990'),
    'German Democratic Republic': ('DDR', '265', 'state', 'former ISO 3166 code DDR'),
    'East Germany': ('DDR', '265', 'state', 'former ISO 3166 code DDR'),
    'Czechoslovakia': ('CSK', '315', 'state', 'former ISO 3166 code CSK'),
    'Yemen Arab Republic': ('YEM', '678', 'state', 'North Yemen; YEM continues it'),
    "Yemen People's Republic": ('YMD', '680', 'state', 'former ISO 3166 code YMD'),
    'South Yemen': ('YMD', '680', 'state', 'former ISO 3166 code YMD'),
    'Republic of Vietnam': ('RVN', '817', 'state', 'South Vietnam; no ISO code, RVN used'),
    'South Vietnam': ('RVN', '817', 'state', 'no ISO code, RVN used'),
    'Vietnam, South': ('RVN', '817', 'state', 'no ISO code, RVN used'),
    'VIETNAM, SOUTH': ('RVN', '817', 'state', 'no ISO code, RVN used'),
    'Zanzibar': ('ZZB', '511', 'state', 'COW 511 (1963-1964); no ISO code, ZZB used'),
    'USSR': ('RUS', '365', 'state', 'COW 365 continues as Russia'),
    'Soviet Union': ('RUS', '365', 'state', 'COW 365 continues as Russia'),
    'European Union': ('EUU', '', 'organization', 'regional integration organization'),
    'State of Palestine': ('PSE', '', 'territory', 'UN observer state; not in the COW system'),
    'Holy See': ('VAT', '', 'territory', 'not in the COW system'),
    'Cook Islands': ('COK', '', 'territory', 'self-governing, free association with New Zealand'),
    'Niue': ('NIU', '', 'territory', 'self-governing, free association with New Zealand'),
    'Hong Kong': ('HKG', '', 'territory', ''),
    'Taiwan': ('TWN', '713', 'state', ''),
    'Dominica': ('DMA', '54', 'state', 'regex uses a look-ahead'),
    'Dominican Republic': ('DOM', '42', 'state', ''),
    'Korea': ('', '730', 'historical', 'COW 730 Korea 1887-1905'),
    'Yemen, N.': ('YEM', '678', 'state', 'North Yemen'),
    'Cen African Rep': ('CAF', '482', 'state', ''),
    'Liechstenstein': ('LIE', '223', 'state', 'misspelt in BMR'),
    'Sudan, South': ('SSD', '626', 'state', ''),
    'Micronesia': ('FSM', '987', 'state', 'the country in freedomhouse/lied; in the migrant files the region (code 957), matched there by code'),
    'Micronesia (country)': ('FSM', '987', 'state', ''),
    'Australia / New Zealand': ('', '', 'aggregate', 'UN region'),
    'Germany West': ('DEU', '260', 'state', ''), 'Germany, W.': ('DEU', '260', 'state', ''),
    'Germany, West': ('DEU', '260', 'state', ''),
    'Wuerttemberg': ('', '271', 'historical', ''), 'Wurttemberg': ('', '271', 'historical', ''),
    'Ottoman Empire': ('TUR', '640', 'state', 'COW 640 from 1816'),
    'Sicily': ('', '329', 'historical', 'Two Sicilies'),
    'Gran Colombia': ('', '', 'historical', ''), 'Great Colombia': ('', '', 'historical', ''),
    'Central American Union': ('', '', 'historical', ''),
}
for _n in ('Northern Cyprus', 'Indian Kashmir', 'Pakistani Kashmir', 'Israeli-Occupied Territories',
           'West Papua', 'Northern Ireland', 'Abkhazia', 'Chechnya', 'Crimea', 'Eastern Donbas',
           'Kurdistan', 'Nagorno-Karabakh', 'South Ossetia', 'Transnistria', 'Somaliland', 'Tibet',
           'Russian-Occupied Territories of Ukraine', 'Sahrawi', 'Cape Colony', 'Natal', 'Newfoundland'):
    OVERRIDES[_n] = ('', '', 'territory', 'not a sovereign state in the COW system')
OVERRIDES = {k.lower(): v for k, v in OVERRIDES.items()}
ORG_WORDS = ('Community', 'Market', 'Organization', 'Organisation', 'Union', 'Agency',
             'Council of Europe', 'United Nations', 'Commission', 'Preparatory')

names = {}  # name -> set of sources
def see(name, src):
    name = re.sub(r'\s*\d+$', '', name.strip())  # footnote digits
    if name:
        names.setdefault(name, set()).add(src)

for f in sorted(glob.glob('data/un-2015/*-*.csv')):
    for r in list(csv.reader(open(f, encoding='utf-8')))[1:]:
        see(r[0], 'un-2015')
for f in sorted(glob.glob('data/status-2022/*.csv')):
    for r in csv.DictReader(open(f, encoding='utf-8')):
        see(r['member'], 'status-2022')
for r in csv.DictReader(open('data/cow-system-membership-2016.csv')):
    see(r['statenme'], 'cow')
for f, col in [('polity5', 'polity_annual_country'), ('freedomhouse', 'fh_country'),
               ('vdem', 'vdem_country_name'), ('bmr', 'bmr_country'),
               ('gwf_regimes', 'gwf_country'), ('lied', 'lied_country')]:
    for r in csv.DictReader(open('data/%s.csv' % f, encoding='utf-8')):
        see(r[col], f)
for r in csv.DictReader(open('data/un-migrant-stock-share-2024.csv', encoding='utf-8')):
    see(r['Entity'], 'migrant-2024')
for r in csv.DictReader(open('data/un-migrant-stock-percent-2019.csv', encoding='latin-1')):
    see(r['Area'], 'migrant-2019')
for r in csv.DictReader(open('data/oecd-members.csv')):
    see(r['country'], 'oecd')

out = []
for name in sorted(names, key=str.lower):
    srcs = ';'.join(sorted(names[name]))
    if name.lower() in OVERRIDES:
        iso, cown, kind, note = OVERRIDES[name.lower()]
        out.append((name, iso, cown, kind, 'override: ' + note, srcs)); continue
    hits = [r for x, r in rx if x.search(name)]
    if len(hits) == 1:
        r = hits[0]
        iso, cown = r['iso3c'], r['cown']
        kind = 'state' if cown in cow else ('territory' if iso else 'other')
        out.append((name, iso, cown, kind, 'regex', srcs))
    elif len(hits) > 1:
        out.append((name, '', '', 'AMBIGUOUS', ' | '.join(h['country.name.en'] for h in hits), srcs))
    elif any(w in name for w in ORG_WORDS):
        out.append((name, '', '', 'organization', '', srcs))
    else:
        out.append((name, '', '', 'aggregate', 'region or income group', srcs))

w = csv.writer(open('data/country-names.csv', 'w', newline='', encoding='utf-8'), lineterminator='\n')
w.writerow(['name', 'iso3c', 'cown', 'kind', 'note', 'sources'])
w.writerows(out)
print(len(out), 'names', file=sys.stderr)
