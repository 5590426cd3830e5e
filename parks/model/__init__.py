"""What a record is, and the curated data read into a Dataset.

schema      the three tables' columns, each with its zh/en label; SPECS, Record
vocab       controlled vocabularies (precision, kind, stage, …) as terms with labels
industries  the industry taxonomy (strategic industries and "231") and its targets
outlines    park outlines: parse, check, measure
validate    every problem of the record tables: cells, locations, references, outlines
dataset     Dataset and load_dataset: read, validate, locate; the search key
edits       one record's edit (typed point, drawn outline, fields) as its new stored row
synthetic   deterministic synthetic enterprises for benchmarks
prepared    a region's validated frames as a Parquet snapshot per data version, read at start
"""
