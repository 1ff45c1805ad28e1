//! The deterministic, rayon-parallel resampling core: bootstrap schemes, permutation/randomisation engine, interval methods.
