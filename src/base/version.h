/* version.h - the one place the version number lives. */
#ifndef MW_VERSION_H
#define MW_VERSION_H

#define MW_VERSION_STRING "0.1.0"

#endif
