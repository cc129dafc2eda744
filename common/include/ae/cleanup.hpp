// What a run leaves behind when it is killed or fails early (nothing): temporaries registered
// while they exist and removed by a SIGTERM/SIGINT/SIGHUP handler, the --out folder a run made
// removed again while it is empty, and the lock that keeps two runs out of one --out folder.
// Used by atomic_write (ae/io.hpp) and CommandLine / guarded_main (ae/cli.hpp).
#pragma once
#include <string>

namespace ae {

// Registers a temporary file until unregister_temporary(slot): a signal handled by
// install_cleanup_on_signals removes it, and PATH.gp and PATH.err beside it (gnuplot's script and
// error files). Returns the slot, or -1 when all are taken (the next write's sweep of stale
// temporaries then removes it, as before).
int register_temporary(const std::string& path);
void unregister_temporary(int slot);

// Installs (once) the handler for SIGTERM, SIGINT and SIGHUP: removes the registered temporaries
// and the empty folders of note_created_dirs, then ends the process by the same signal.
void install_cleanup_on_signals();

// dir was created by this run, `levels` folders deep (dir and levels - 1 of its parents):
// remove_created_dirs_if_empty() (and the signal handler) remove those that are still empty.
void note_created_dirs(const std::string& dir, int levels);
void remove_created_dirs_if_empty();

// An exclusive lock on the folder dir (flock on the folder itself: no lock file is left), held
// until the process ends. True when this process holds it (now or already), false when another
// process does.
bool lock_dir(const std::string& dir);

}  // namespace ae
