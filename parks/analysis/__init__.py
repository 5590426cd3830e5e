"""Questions asked of a Dataset: pure functions returning frames or small values."""
