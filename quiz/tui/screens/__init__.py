"""Screens, one module per mode; the App imports each when it is first pushed."""
