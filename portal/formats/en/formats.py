"""English date formats as the site writes them ("30 November 2026, 13:31"), for what
Django formats by default: the admin above all, which used the US forms ("Nov. 30, 2026,
1:31 p.m."). French keeps Django's own, which are already the site's."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
