"""The Slack door: Bolt listeners, Block Kit, the Web API."""
