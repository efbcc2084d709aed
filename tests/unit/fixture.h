/*
 * fixture.h: a small city for unit tests: two districts side by side, a
 * district housing agency for each, a city-wide roads agency and a fallback.
 *
 *   west district: longitudes 30.0..30.5, latitudes 60.0..60.5
 *   east district: longitudes 30.5..31.0, latitudes 60.0..60.5
 */
#ifndef VECHE_TEST_FIXTURE_H
#define VECHE_TEST_FIXTURE_H

static const char fixture_city[] =
    "{\"jurisdiction_id\": \"testcity\", \"timezone\": \"Europe/Moscow\","
    " \"fallback_agency\": \"admin\","
    " \"services\": ["
    "  {\"code\": \"pothole\", \"name\": {\"ru\": \"Яма\", \"en\": \"Pothole\"},"
    "   \"group\": \"Дороги\", \"attributes\": ["
    "    {\"code\": \"size\", \"datatype\": \"singlevaluelist\","
    "     \"required\": true, \"description\": \"Размер\","
    "     \"values\": [{\"key\": \"small\", \"name\": \"Малая\"},"
    "                  {\"key\": \"large\", \"name\": \"Большая\"}]}]},"
    "  {\"code\": \"heating\", \"name\": \"Нет отопления\", \"attributes\": ["
    "    {\"code\": \"since\", \"datatype\": \"datetime\", \"description\": \"С\"},"
    "    {\"code\": \"flats\", \"datatype\": \"number\", \"description\": \"Квартир\"},"
    "    {\"code\": \"what\", \"datatype\": \"multivaluelist\", \"description\": \"Что\","
    "     \"values\": [{\"key\": \"a\", \"name\": \"A\"}, {\"key\": \"b\", \"name\": \"B\"}]}]},"
    "  {\"code\": \"other\", \"name\": \"Другое\"}],"
    " \"agencies\": ["
    "  {\"code\": \"roads\", \"name\": \"Дороги\", \"services\": [\"pothole\"]},"
    "  {\"code\": \"west\", \"name\": \"УК Запад\", \"services\": [\"heating\"],"
    "   \"areas\": [{\"type\": \"Polygon\", \"coordinates\": [[[30.0,60.0],[30.5,60.0],[30.5,60.5],[30.0,60.5],[30.0,60.0]]]}]},"
    "  {\"code\": \"east\", \"name\": \"УК Восток\", \"services\": [\"heating\"],"
    "   \"areas\": {\"type\": \"Feature\", \"properties\": {}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[30.5,60.0],[31.0,60.0],[31.0,60.5],[30.5,60.5],[30.5,60.0]]]}}},"
    "  {\"code\": \"admin\", \"name\": \"Администрация\", \"services\": [\"other\"]}"
    " ]}";

#endif
