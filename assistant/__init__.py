"""The agent, its model back-ends, the settings and the command line."""
