-- A workload lives on a hypervisor that exists, and a hypervisor hosting workloads cannot be deleted: checked
-- inside the write itself, so a hypervisor delete racing a workload PUT can never leave a workload homeless.
CREATE TRIGGER `workloads_hypervisor_exists_insert` BEFORE INSERT ON `workloads`
WHEN NOT EXISTS (SELECT 1 FROM `hypervisors` WHERE `id` = NEW.`hypervisor`)
BEGIN SELECT RAISE(ABORT, 'omniwall:unknown-hypervisor'); END;
--> statement-breakpoint
CREATE TRIGGER `workloads_hypervisor_exists_update` BEFORE UPDATE OF `hypervisor` ON `workloads`
WHEN NOT EXISTS (SELECT 1 FROM `hypervisors` WHERE `id` = NEW.`hypervisor`)
BEGIN SELECT RAISE(ABORT, 'omniwall:unknown-hypervisor'); END;
--> statement-breakpoint
CREATE TRIGGER `hypervisors_delete_unused` BEFORE DELETE ON `hypervisors`
WHEN EXISTS (SELECT 1 FROM `workloads` WHERE `hypervisor` = OLD.`id`)
BEGIN SELECT RAISE(ABORT, 'omniwall:hypervisor-in-use'); END;
