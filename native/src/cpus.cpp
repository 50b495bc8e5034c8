// cpus.cpp — how many CPUs this process may actually use: its affinity mask (taskset, a container's cpuset),
// capped by its cgroup's CPU quota (docker --cpus, Kubernetes limits), not the machine's CPU count.

#include "internal.h"

#include <sched.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

namespace jpeglm {

namespace {

// The file's content, or "" if it cannot be read.
std::string read_text(const std::string & path) {
    std::ifstream in(path);
    if (!in) {
        return "";
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool is_dir(const std::string & path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string trim(const std::string & s) {
    const size_t b = s.find_first_not_of(" \t\r\n");
    const size_t e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// A CPU quota found in one cgroup file: cpus <= 0 means none.
struct quota {
    double      cpus = 0;
    std::string where;  // e.g. "cgroup v2 cpu.max 150000 100000 in /sys/fs/cgroup/a.slice"
};

void keep_smaller(quota & best, double cpus, const std::string & where) {
    if (cpus > 0 && (best.cpus <= 0 || cpus < best.cpus)) {
        best = {cpus, where};
    }
}

// The folders from dir up to top (both included), dir first; dir must lie under top.
std::vector<std::string> up_to(std::string dir, const std::string & top) {
    std::vector<std::string> dirs;
    while (dir.size() > top.size() && dir.compare(0, top.size(), top) == 0) {
        dirs.push_back(dir);
        dir = dir.substr(0, dir.rfind('/'));
    }
    dirs.push_back(top);
    return dirs;
}

// The process's cgroup folder under mount, or mount itself when the path /proc/self/cgroup gives is not there
// (inside a container the cgroup namespace's root is mounted, not the host's path).
std::string cgroup_dir(const std::string & mount, const std::string & path) {
    const std::string dir = mount + (path == "/" ? "" : path);
    return is_dir(dir) ? dir : mount;
}

// cgroup v2: cpu.max ("max 100000" or "150000 100000") in the process's cgroup and each parent.
void cgroup_v2_quota(const std::string & root, const std::string & path, quota & best) {
    const std::string mount = root + "/sys/fs/cgroup";
    for (const std::string & dir : up_to(cgroup_dir(mount, path), mount)) {
        std::istringstream line(read_text(dir + "/cpu.max"));
        std::string        max;
        double             period = 0;
        if (line >> max >> period && max != "max" && period > 0) {
            const double q = std::atof(max.c_str());
            keep_smaller(best, q / period,
                         "cgroup v2 cpu.max " + max + " " + std::to_string((long long) period) + " in " +
                             dir.substr(root.size()));
        }
    }
}

// cgroup v1: cpu.cfs_quota_us (-1: none) over cpu.cfs_period_us, in the cpu controller's hierarchy.
void cgroup_v1_quota(const std::string & root, const std::string & path, quota & best) {
    for (const char * name : {"cpu,cpuacct", "cpu", "cpuacct,cpu"}) {
        const std::string mount = root + "/sys/fs/cgroup/" + name;
        if (!is_dir(mount)) {
            continue;
        }
        for (const std::string & dir : up_to(cgroup_dir(mount, path), mount)) {
            const double q      = std::atof(trim(read_text(dir + "/cpu.cfs_quota_us")).c_str());
            const double period = std::atof(trim(read_text(dir + "/cpu.cfs_period_us")).c_str());
            if (q > 0 && period > 0) {
                keep_smaller(best, q / period,
                             "cgroup v1 cpu.cfs_quota_us " + std::to_string((long long) q) + " / cpu.cfs_period_us " +
                                 std::to_string((long long) period) + " in " + dir.substr(root.size()));
            }
        }
        return;
    }
}

// The smallest CPU quota of the cgroups /proc/self/cgroup names (lines "id:controllers:path").
quota cgroup_quota(const std::string & root) {
    quota              best;
    std::istringstream lines(read_text(root + "/proc/self/cgroup"));
    for (std::string line; std::getline(lines, line);) {
        const size_t first  = line.find(':');
        const size_t second = first == std::string::npos ? first : line.find(':', first + 1);
        if (second == std::string::npos) {
            continue;
        }
        const std::string controllers = "," + line.substr(first + 1, second - first - 1) + ",";
        const std::string path        = trim(line.substr(second + 1));
        if (line.compare(0, first, "0") == 0 && controllers == ",,") {
            cgroup_v2_quota(root, path, best);
        } else if (controllers.find(",cpu,") != std::string::npos) {
            cgroup_v1_quota(root, path, best);
        }
    }
    return best;
}

// The CPUs this thread may run on: sched_getaffinity, or for a test root the Cpus_allowed_list line of
// <root>/proc/self/status; 0 if unknown.
int32_t affinity_cpus(const std::string & root) {
    if (root.empty()) {
        const std::vector<bool> mask = affinity_mask();
        return (int32_t) std::count(mask.begin(), mask.end(), true);
    }
    std::istringstream lines(read_text(root + "/proc/self/status"));
    for (std::string line; std::getline(lines, line);) {
        const std::string key = "Cpus_allowed_list:";
        if (line.compare(0, key.size(), key) == 0) {
            return count_cpu_list(trim(line.substr(key.size())));
        }
    }
    return 0;
}

}  // namespace

std::vector<bool> affinity_mask() {
    const int   n_max = 8192;
    cpu_set_t * set   = CPU_ALLOC(n_max);
    if (set == nullptr) {
        return {};
    }
    const size_t size = CPU_ALLOC_SIZE(n_max);
    CPU_ZERO_S(size, set);
    std::vector<bool> mask;
    if (sched_getaffinity(0, size, set) == 0) {
        mask.resize(n_max);
        for (int i = 0; i < n_max; i++) {
            mask[i] = CPU_ISSET_S(i, size, set);
        }
    }
    CPU_FREE(set);
    return mask;
}

int32_t count_cpu_list(const std::string & list) {
    int32_t            n = 0;
    std::istringstream parts(list);
    for (std::string part; std::getline(parts, part, ',');) {
        long first = 0, last = 0;
        char dash = 0;
        int  used = 0;
        if (std::sscanf(part.c_str(), "%ld%n", &first, &used) == 1 && (size_t) used == part.size()) {
            last = first;
        } else if (std::sscanf(part.c_str(), "%ld%c%ld%n", &first, &dash, &last, &used) != 3 || dash != '-' ||
                   (size_t) used != part.size()) {
            return 0;
        }
        if (first < 0 || last < first) {
            return 0;
        }
        n += (int32_t) std::min<long>(last - first + 1, INT32_MAX - n);
    }
    return n;
}

cpu_budget usable_cpus(const std::string & root) {
    cpu_budget    budget;
    const int32_t affinity = affinity_cpus(root);
    if (affinity > 0) {
        budget.cpus = affinity;
        budget.why  = std::to_string(affinity) + " in the affinity mask";
    } else {
        const unsigned n = std::thread::hardware_concurrency();
        budget.cpus      = n == 0 ? 1 : (int32_t) n;
        budget.why       = std::to_string(budget.cpus) + " online (no affinity mask readable)";
    }
    const quota q = cgroup_quota(root);
    if (q.cpus > 0) {
        const int32_t cpus = std::max<int32_t>(1, (int32_t) std::ceil(q.cpus - 1e-9));
        budget.why += ", " + q.where + " allows " + std::to_string(cpus);
        budget.cpus = std::min(budget.cpus, cpus);
    } else {
        budget.why += ", no cgroup CPU quota";
    }
    return budget;
}

}  // namespace jpeglm

using namespace jpeglm;

extern "C" {

int32_t jpeglm_cpu_budget(const char * root, int32_t * out_cpus, char * why, size_t why_size) {
    return guarded([&] {
        require(out_cpus != nullptr, "out_cpus is NULL");
        require(why != nullptr || why_size == 0, "why is NULL with a non-zero size");
        require(root == nullptr || *root != '\0', "root is empty (NULL reads this process)");
        const cpu_budget budget = usable_cpus(root == nullptr ? "" : root);
        *out_cpus               = budget.cpus;
        copy_text(budget.why.c_str(), why, why_size);
    });
}

}  // extern "C"
