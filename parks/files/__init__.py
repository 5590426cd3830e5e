"""Bytes in and bytes out: uploads, geocoding, importing, exports, reports, baselines.

uploads    read CSV/XLSX uploads (encodings, formulas); match headers to fields
geocoder   the region's address geocoder: offline index, online service first if set
importing  upload -> validated, geocoded preview -> commit; the CLI import
exports    every export format of a selection; comparison tables as XLSX/CSV
reports    A4 PDF and 16:9 PPTX briefings
baseline   audit log as CSV, per-record history, the store as the next data/ baseline
osm_area   the box an offline OSM archive is built for: a region plus a margin, or W,S,E,N
"""
