CREATE TABLE `audit_documents` (
	`hash` text NOT NULL,
	`part` integer NOT NULL,
	`body` text NOT NULL,
	PRIMARY KEY(`hash`, `part`)
);
--> statement-breakpoint
ALTER TABLE `audit` ADD `before_hash` text;--> statement-breakpoint
ALTER TABLE `audit` ADD `after_hash` text;--> statement-breakpoint
ALTER TABLE `audit` ADD `before_bytes` integer;--> statement-breakpoint
ALTER TABLE `audit` ADD `after_bytes` integer;--> statement-breakpoint
ALTER TABLE `audit` ADD `changes` text;--> statement-breakpoint
ALTER TABLE `audit` ADD `changes_hash` text;--> statement-breakpoint
ALTER TABLE `audit` ADD `changes_bytes` integer;--> statement-breakpoint
ALTER TABLE `audit` ADD `summary` text;