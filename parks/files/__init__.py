"""Bytes in and bytes out: uploads, geocoding, importing, exports, reports, baselines."""
