"""What the pages show, computed: each study names the page it feeds. Trained studies are
`lstmgrad.store.Experiment` cells whose results ``make experiments`` writes to ``lstmgrad/results/``."""
