"""Real-browser tests: Playwright driving Debian's Chromium against a running Streamlit app."""
