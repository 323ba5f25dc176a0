"""Signing in beyond a password: second factors (an authenticator app's codes, recovery
codes), the check that staff pass one before any family data, and password reset by email."""
