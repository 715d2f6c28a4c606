CREATE TABLE `apps` (
	`tenant` text NOT NULL,
	`id` text NOT NULL,
	`spec` text NOT NULL,
	PRIMARY KEY(`tenant`, `id`)
);
--> statement-breakpoint
CREATE TABLE `audit` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant` text,
	`revision` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`object_kind` text NOT NULL,
	`object_id` text NOT NULL,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE INDEX `audit_tenant` ON `audit` (`tenant`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_object` ON `audit` (`tenant`,`object_kind`,`object_id`);--> statement-breakpoint
CREATE TABLE `groups` (
	`tenant` text NOT NULL,
	`id` text NOT NULL,
	`name` text,
	`members` text NOT NULL,
	`criteria` text,
	`app` text,
	PRIMARY KEY(`tenant`, `id`)
);
--> statement-breakpoint
CREATE INDEX `groups_app` ON `groups` (`tenant`,`app`);--> statement-breakpoint
CREATE TABLE `hypervisors` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `migrations` (
	`tenant` text NOT NULL,
	`id` text NOT NULL,
	`workload` text NOT NULL,
	`source` text NOT NULL,
	`target` text NOT NULL,
	`state` text NOT NULL,
	`flows_moved` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`tenant`, `id`)
);
--> statement-breakpoint
CREATE INDEX `migrations_workload` ON `migrations` (`tenant`,`workload`);--> statement-breakpoint
CREATE TABLE `policies` (
	`tenant` text NOT NULL,
	`id` text NOT NULL,
	`name` text,
	`category` text NOT NULL,
	`priority` integer NOT NULL,
	`stateful` integer NOT NULL,
	`tcp_strict` integer NOT NULL,
	`applied_to` text NOT NULL,
	`app` text,
	PRIMARY KEY(`tenant`, `id`)
);
--> statement-breakpoint
CREATE INDEX `policies_app` ON `policies` (`tenant`,`app`);--> statement-breakpoint
CREATE TABLE `refs` (
	`tenant` text NOT NULL,
	`from_kind` text NOT NULL,
	`from_id` text NOT NULL,
	`to_kind` text NOT NULL,
	`to_id` text NOT NULL,
	PRIMARY KEY(`tenant`, `from_kind`, `from_id`, `to_kind`, `to_id`)
);
--> statement-breakpoint
CREATE INDEX `refs_target` ON `refs` (`tenant`,`to_kind`,`to_id`);--> statement-breakpoint
CREATE TABLE `revisions` (
	`tenant` text NOT NULL,
	`revision` integer NOT NULL,
	`actor` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`tenant`, `revision`)
);
--> statement-breakpoint
CREATE TABLE `rules` (
	`tenant` text NOT NULL,
	`policy` text NOT NULL,
	`position` integer NOT NULL,
	`id` text NOT NULL,
	`body` text NOT NULL,
	PRIMARY KEY(`tenant`, `policy`, `id`)
);
--> statement-breakpoint
CREATE INDEX `rules_order` ON `rules` (`tenant`,`policy`,`position`);--> statement-breakpoint
CREATE TABLE `services` (
	`tenant` text NOT NULL,
	`id` text NOT NULL,
	`name` text,
	`entries` text NOT NULL,
	`app` text,
	PRIMARY KEY(`tenant`, `id`)
);
--> statement-breakpoint
CREATE INDEX `services_app` ON `services` (`tenant`,`app`);--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`settings` text NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`role` text NOT NULL,
	`tenant` text,
	`hypervisor` text,
	`name` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_hash` ON `tokens` (`hash`);--> statement-breakpoint
CREATE TABLE `vnic_addresses` (
	`tenant` text NOT NULL,
	`vnic` integer NOT NULL,
	`ip` text NOT NULL,
	PRIMARY KEY(`vnic`, `ip`)
);
--> statement-breakpoint
CREATE INDEX `vnic_addresses_ip` ON `vnic_addresses` (`tenant`,`ip`);--> statement-breakpoint
CREATE TABLE `vnics` (
	`handle` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant` text NOT NULL,
	`workload` text NOT NULL,
	`id` text NOT NULL,
	`mac` text,
	`position` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vnics_tenant_id` ON `vnics` (`tenant`,`id`);--> statement-breakpoint
CREATE INDEX `vnics_workload` ON `vnics` (`tenant`,`workload`);--> statement-breakpoint
CREATE TABLE `workloads` (
	`tenant` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`hypervisor` text NOT NULL,
	`os` text,
	`user` text,
	`tags` text NOT NULL,
	`attributes` text NOT NULL,
	PRIMARY KEY(`tenant`, `id`)
);
--> statement-breakpoint
CREATE INDEX `workloads_hypervisor` ON `workloads` (`hypervisor`,`tenant`);