"""What a record is, and the curated data read into a Dataset."""
