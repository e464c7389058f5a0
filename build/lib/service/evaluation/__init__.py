"""Quality checks of the rule set that run in-process: perturbed examples and their answers."""
