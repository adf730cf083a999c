"""Demo data for the reports: a year of signings, landings and funds across units (last
year's too, for the year-on-year columns), monthly rates, and every unit's targets."""
