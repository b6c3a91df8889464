"""Run the stages over Documents: in this process (stages.Pipeline) or in worker processes
(workers), with the memory settings of long-lived processes (memory)."""
