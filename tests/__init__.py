"""newsweave tests."""
