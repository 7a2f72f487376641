/* The identifier guard; see include/peerstat/identifiers.h. */
#include "peerstat/identifiers.h"

#include <stddef.h>
#include <string.h>

struct pattern {
	const char *text;   /* normalised: lowercase letters and digits only */
	int whole;          /* 1: the whole name must equal it; 0: it may appear inside */
	const char *kind;
};

/* Ordered so that the most specific description wins. */
static const struct pattern patterns[] = {
	{ "firstname", 0, "a person's name" },
	{ "lastname", 0, "a person's name" },
	{ "fullname", 0, "a person's name" },
	{ "givenname", 0, "a person's name" },
	{ "familyname", 0, "a person's name" },
	{ "middlename", 0, "a person's name" },
	{ "maidenname", 0, "a person's name" },
	{ "patientname", 0, "a person's name" },
	{ "clientname", 0, "a person's name" },
	{ "participantname", 0, "a person's name" },
	{ "surname", 0, "a person's name" },
	{ "forename", 0, "a person's name" },
	{ "name", 1, "a person's name" },
	{ "fname", 1, "a person's name" },
	{ "lname", 1, "a person's name" },
	{ "initials", 1, "a person's initials" },
	{ "dateofbirth", 0, "a date of birth" },
	{ "birthdate", 0, "a date of birth" },
	{ "birthday", 0, "a date of birth" },
	{ "dob", 1, "a date of birth" },
	{ "ssn", 0, "a social security number" },
	{ "socialsecurity", 0, "a social security number" },
	{ "nationalinsurance", 0, "a national identity number" },
	{ "nhsnumber", 0, "a national identity number" },
	{ "medicare", 0, "an insurance number" },
	{ "medicaid", 0, "an insurance number" },
	{ "insuranceid", 0, "an insurance number" },
	{ "insurancenumber", 0, "an insurance number" },
	{ "phone", 0, "a telephone number" },
	{ "telephone", 0, "a telephone number" },
	{ "mobile", 1, "a telephone number" },
	{ "cellphone", 0, "a telephone number" },
	{ "fax", 1, "a fax number" },
	{ "email", 0, "an email address" },
	{ "streetaddress", 0, "a street address" },
	{ "homeaddress", 0, "a street address" },
	{ "address", 1, "a street address" },
	{ "street", 1, "a street address" },
	{ "zip", 1, "a postal code" },
	{ "zipcode", 1, "a postal code" },
	{ "postcode", 1, "a postal code" },
	{ "postalcode", 1, "a postal code" },
	{ "mrn", 1, "a medical record number" },
	{ "medicalrecord", 0, "a medical record number" },
	{ "driverslicense", 0, "a licence number" },
	{ "driverlicense", 0, "a licence number" },
	{ "licensenumber", 0, "a licence number" },
	{ "passport", 0, "a passport number" },
	{ "ipaddress", 0, "an IP address" },
	{ "geolocation", 0, "a location" },
	{ "latitude", 1, "a location" },
	{ "longitude", 1, "a location" },
};

const char *ps_identifier_kind(const char *column_name)
{
	char norm[256];
	size_t n = 0;
	for (const char *p = column_name; *p && n < sizeof(norm) - 1; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			norm[n++] = c;
	}
	norm[n] = '\0';
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		const struct pattern *pat = &patterns[i];
		if (pat->whole ? strcmp(norm, pat->text) == 0 : strstr(norm, pat->text) != NULL)
			return pat->kind;
	}
	return NULL;
}
