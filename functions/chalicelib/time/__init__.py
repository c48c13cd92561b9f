"""Time: the clock port, Indonesia's time zones, due times from a standard's Jangka Waktu, and dates as
Indonesians write them."""
