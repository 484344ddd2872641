"""督办调度 pages, one module per object: tasks (督办事项) and meetings (调度会)."""
