/* peerstat: main() (placeholder until the command table lands). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("peerstat %s\n", PEERSTAT_VERSION);
		return 0;
	}
	fprintf(stderr, "usage: peerstat <command> [options] [FILE...]\n");
	return 64;
}
