"""The project module's pages, one module per area: the ledger and project page (``ledger``), Excel in and
out (``exchange``), progress reports and their queues (``reports``), rules, templates and targets
(``settings``), the summary (``summary``), the battle map (``battle_map``) and the searchable pickers
(``pickers``). Views stay thin: parse, call a service or selector, render."""
