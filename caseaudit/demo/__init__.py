"""The demo council and the scale councils: data for trying CaseAudit and for benchmarks.

Production neither installs this app nor its one extra dependency, Faker (docs/decisions/0097): no app
under caseaudit/ imports from here, and `caseaudit seed_demo` exists only where the demo is on.
"""
