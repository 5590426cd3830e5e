"""Benchmarks that print figures (speed, accuracy, payload size); run each as a script."""
