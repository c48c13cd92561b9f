"""The Survei Kepuasan Masyarakat (PermenPAN-RB 14/2017): its questionnaire, answers, and the index (IKM)."""
