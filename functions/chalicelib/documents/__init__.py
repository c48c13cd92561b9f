"""The applicant's documents: the file store port, upload policies, the check each upload passes."""
