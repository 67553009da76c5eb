"""Example backend: the shape of the team's service, without the web layer."""
