"""The URL and egress policy: nothing the service does may reach a non-public address unless allowlisted."""
