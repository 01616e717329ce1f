"""The entry: the command line, the demo and the server wiring, above every door."""
