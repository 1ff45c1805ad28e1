//! Randomised designs: difference in means (estimatr definitions), ANCOVA, Lin, binary outcomes, Fisher exact, randomisation inference.
