"""Complaints, suggestions, questions and appreciation (pengaduan): filed online, answered by emailed link."""
