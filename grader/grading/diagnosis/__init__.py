"""Diagnosis: from the evidence of a failing case (the learner's output against the reference, an exception, a
changed input) to the mistake behind it, said as a teaching assistant would: what you did, the evidence, the fix."""
