"""Plain helpers and request bodies shared by the test files; fixtures live in conftest.py."""
