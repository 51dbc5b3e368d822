#include "gapscan/base.h"
#include <stdio.h>
int main(void) { puts("gapscan " GS_VERSION); return 0; }
