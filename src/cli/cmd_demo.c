#include "cli.h"
#include "../base/mw.h"

#include "../base/banned.h"

int mw_cmd_demo(int argc, char **argv)
{
	MW_UNUSED(argc);
	MW_UNUSED(argv);
	mw_cli_err("demo: not built yet");
	return MW_EXIT_FAIL;
}
