"""Demo data built through the services (manage.py seed_demo)."""
