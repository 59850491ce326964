/* features.h - the `features` JSON (runtime-spec features.md). */
#ifndef HULL_FEATURES_H
#define HULL_FEATURES_H

/* The features document, malloc'd; lists only what hull really supports. */
char *features_json(void);

#endif
