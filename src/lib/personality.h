/* personality.h - linux.personality. */
#ifndef HULL_PERSONALITY_H
#define HULL_PERSONALITY_H

#include "error.h"
#include "spec.h"

/* personality(2) with the execution domain (flags were refused by the
 * decoder: the spec defines none); NULL does nothing. */
herr personality_apply(const struct oci_personality *p);

#endif
