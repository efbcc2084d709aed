/*
 * photo_worker.h: 'veche photo-worker', the confined decoder the server
 * starts for each uploaded photo (core/photo_sandbox.h).  Not for people.
 */
#ifndef VECHE_CLI_PHOTO_WORKER_H
#define VECHE_CLI_PHOTO_WORKER_H

/*
 * Run the command (argv[0] is "photo-worker"): answer one photo on file
 * descriptor 3, or with --selftest prove that the sandbox refuses open(2).
 * Returns the exit status.
 */
int cli_photo_worker(int argc, char **argv);

#endif
