"""Platform-neutral services: the business rules the Slack, CLI and scheduler adapters call."""
