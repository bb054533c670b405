"""Numbers as Chinese financial statements and bank vouchers write them: 1,234,567.89,
grouped by thousands with a comma (CLDR's zh number pattern #,##0.###). Django's own zh_Hans
formats group by four with no separator, so amounts would read 1234567.89. Only the two
settings below are overridden; dates and the rest come from Django's zh_Hans."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
