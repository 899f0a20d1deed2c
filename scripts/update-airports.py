#!/usr/bin/env python3
"""Regenerates server/data/airports.csv (IATA code, ISO 3166-1 alpha-3 country, IANA time zone).

Source: the airport list of PyPI's `airportsdata` (MIT licence) for codes and time zones, and
`pycountry` for the alpha-2 → alpha-3 country mapping (ISO 3166 facts).
    pip install airportsdata pycountry && python3 scripts/update-airports.py
"""
import csv, os
import airportsdata, pycountry

alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
alpha3['XK'] = 'XKX'  # Kosovo, as travel documents write it
out = os.path.join(os.path.dirname(__file__), '..', 'server', 'data', 'airports.csv')
with open(out, 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['iata', 'country', 'tz'])
    for code, r in sorted(airportsdata.load('IATA').items()):
        if r['tz'] and r['country'] in alpha3:
            w.writerow([code, alpha3[r['country']], r['tz']])
