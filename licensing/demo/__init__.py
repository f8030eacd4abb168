"""Demo organisations, accounts and cases for local use (`manage.py load_demo`, `make run`). The top of the layers:
it drives the apps' services the way a user would, and nothing imports it."""
