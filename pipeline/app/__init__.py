"""The edges: command lines, batch workers, the HTTP service and Spark."""
